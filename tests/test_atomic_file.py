"""Where an output named with `-o` (and --entities, --guide, ...) goes: a regular file is
replaced whole, a link is followed, standard output, devices and pipes are written in place,
and a folder, socket or block device is refused in one line."""

import os
import socket
import stat

import pytest

from conftest import FIXTURES
from kg.atomic_file import write_atomically
from kg.records import KGError

PAPERS = FIXTURES / "ingest" / "papers.jsonl"


def make_node(path, kind, major, minor):
    """A device node like /dev/null (1, 3), made where the test can drop it; skipped where the
    system does not let us."""
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except (PermissionError, AttributeError):
        pytest.skip("cannot make device nodes here")


def test_a_file_is_replaced_whole_and_keeps_its_permissions(tmp_path):
    target = tmp_path / "secret.jsonl"
    target.write_text("old\n")
    target.chmod(0o600)
    with write_atomically(target) as handle:
        handle.write("new\n")
        assert target.read_text() == "old\n"
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_failed_write_leaves_the_file_as_it_was(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(ValueError), write_atomically(target) as handle:
        handle.write("half")
        raise ValueError
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["out.jsonl"]


def test_a_symbolic_link_stays_a_link_to_the_new_content(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "papers.jsonl").write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to("real/papers.jsonl")
    with write_atomically(link) as handle:
        handle.write("new\n")
    assert link.is_symlink() and os.readlink(link) == "real/papers.jsonl"
    assert (tmp_path / "real" / "papers.jsonl").read_text() == "new\n"
    assert os.listdir(tmp_path / "real") == ["papers.jsonl"]


def test_bytes_are_written_the_same_way(tmp_path):
    (tmp_path / "chart.png").symlink_to(tmp_path / "real.png")
    with write_atomically(tmp_path / "chart.png", binary=True) as handle:
        handle.write(b"\x89PNG")
    assert (tmp_path / "chart.png").is_symlink() and (tmp_path / "real.png").read_bytes() == b"\x89PNG"


def test_a_named_pipe_is_written_in_place(tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with write_atomically(pipe) as handle:
            handle.write("through the pipe\n")
        assert stat.S_ISFIFO(os.stat(pipe).st_mode)
        assert os.read(reader, 100) == b"through the pipe\n"
    finally:
        os.close(reader)


def test_a_character_device_is_written_in_place(tmp_path):
    null = tmp_path / "null"
    make_node(null, stat.S_IFCHR, 1, 3)
    try:
        open(null, "w").close()
    except PermissionError:
        pytest.skip("device nodes cannot be opened on this file system")
    with write_atomically(null) as handle:
        handle.write("discarded\n")
    assert stat.S_ISCHR(os.stat(null).st_mode) and os.listdir(tmp_path) == ["null"]


def test_an_open_descriptor_is_written_in_place(tmp_path):
    reader, writer = os.pipe()
    try:
        with write_atomically(f"/dev/fd/{writer}") as handle:
            handle.write("to descriptor\n")
        assert os.read(reader, 100) == b"to descriptor\n"
    finally:
        os.close(reader)
        os.close(writer)


def test_standard_output_is_written_in_place(capsys):
    with write_atomically("-") as handle:
        handle.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


def socket_at(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


@pytest.mark.parametrize("kind, make", [
    ("a directory", lambda path: path.mkdir()),
    ("a socket", socket_at),
    ("a block device", lambda path: make_node(path, stat.S_IFBLK, 7, 0)),
], ids=["directory", "socket", "block device"])
def test_a_folder_a_socket_or_a_block_device_is_refused(tmp_path, kind, make):
    target = tmp_path / "target"
    made = make(target)
    before = os.stat(target)
    with pytest.raises(KGError, match=f"^{target}: is {kind}, not a file; give a file name$"):
        with write_atomically(target) as handle:
            handle.write("never\n")
    after = os.stat(target)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode) and os.listdir(tmp_path) == ["target"]
    if made is not None:
        made.close()


def test_a_folder_as_output_is_one_line_on_the_command_line(run_kg, tmp_path):
    result = run_kg("ingest", PAPERS, "-o", tmp_path)
    assert result.exit_code == 1
    assert result.stderr == f"kg: error: {tmp_path}: is a directory, not a file; give a file name\n"


def test_the_command_line_writes_through_a_link(run_kg, tmp_path):
    (tmp_path / "guide.html").write_text("old")
    (tmp_path / "link.html").symlink_to("guide.html")
    result = run_kg("query", "--guide", tmp_path / "link.html")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "link.html").is_symlink() and (tmp_path / "guide.html").read_text().startswith("<article class=\"guide\">")
