"""Files and folders that hold personal data: folders 0700, files 0600.

The instance folder holds the SQLite database, the mail queue, uploaded letters
and waiting imports; nobody but the portal's own user may read them, whatever
the process's umask. Folders the portal owns are tightened when it finds them
open to others (a deployment from before this rule); files are created private.
"""
import os
import stat

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path):
    """Create the folder `path` readable by the owner only, or take group and other access off it; return it."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    tighten(path)
    return path


def tighten(path):
    """Take group and other access off an existing file or folder we own."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def open_private(path, mode="wb", **kwargs):
    """Open `path` for writing as a file readable by the owner only (created, or truncated)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # the mode given to os.open counts only when it creates the file
    return os.fdopen(fd, mode, **kwargs)


def write_private(path, data):
    """Write bytes to `path` as a file readable by the owner only."""
    with open_private(path) as fh:
        fh.write(data)


def private_sqlite_file(path):
    """Make sure an SQLite database file is private before SQLite opens it.

    SQLite gives its -wal and -shm files the database file's mode, so creating
    the (empty) database file 0600 first makes all three private.
    """
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        tighten(name)
