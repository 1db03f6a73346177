"""Which kind of file a path holds, from its first bytes (never its extension)."""

from __future__ import annotations

from .filesystem import FileFormatError, existing_file

__all__ = ["FORMATS", "HDF5_SIGNATURE", "MAT73_USERBLOCK", "MAT_HEADER_BYTES", "TORCH_LEGACY_SIGNATURE", "ZIP_SIGNATURE",
           "detect_format"]

#: format name -> what it is
FORMATS = {
    "hdf5": "HDF5",
    "mat-v5": "MAT-file level 5 (MATLAB save -v6/-v7, scipy.io.savemat)",
    "mat-v7.3": "MAT-file v7.3 (HDF5 after MATLAB's 512-byte header, MATLAB save -v7.3)",
    "npz": "NumPy .npz archive (numpy.savez; arrays in NumPy's orientation)",
    "torch": "PyTorch file (torch.save: a state_dict or a checkpoint holding one; zip or legacy format)",
}
ZIP_SIGNATURE = b"PK\x03\x04"
#: start of a legacy (non-zip, ``_use_new_zipfile_serialization=False``) torch.save file: pickle protocol 2
#: and torch's magic number 0x1950a86a20f9469cfc6c
TORCH_LEGACY_SIGNATURE = b"\x80\x02\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little")

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
MAT_HEADER_BYTES = 128  #: text (116), subsystem offset (8), version (2), endian indicator (2)
MAT73_USERBLOCK = 512  #: a v7.3 MAT-file's HDF5 data starts after this many bytes
_HDF5_OFFSETS = (0, 512, 1024, 2048, 4096)  #: where HDF5 looks for its signature (user blocks)


def detect_format(path) -> str:
    """Return the format of the file at ``path``, from its first bytes (never its extension).

    Parameters
    ----------
    path : str or path
        The file.

    Returns
    -------
    str
        ``'hdf5'``, ``'mat-v5'`` or ``'mat-v7.3'`` (see :data:`FORMATS`).

    Raises
    ------
    FileNotFoundError
        For a missing file.
    ValueError
        (:class:`~opdims.io.FileFormatError`) For an empty, damaged or unknown file.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io import detect_format, save_mat
    >>> detect_format(opdims.default_weights("swg"))
    'hdf5'
    >>> detect_format(save_mat("x.mat", {"x": 1.0}))
    'mat-v5'
    """
    path = existing_file(path)
    with open(path, "rb") as handle:
        head = handle.read(max(_HDF5_OFFSETS) + len(HDF5_SIGNATURE))
    if not head:
        raise FileFormatError(f"{path}: empty file (0 bytes); expected an HDF5 file or a MAT-file")
    if head.startswith(HDF5_SIGNATURE):
        return "hdf5"
    if head.startswith(ZIP_SIGNATURE):
        return _zip_kind(path)
    if head.startswith(TORCH_LEGACY_SIGNATURE):
        return "torch"
    mat_version = _mat_version(head)
    if mat_version == 0x0100:
        return "mat-v5"
    if mat_version == 0x0200:
        if head[MAT73_USERBLOCK:].startswith(HDF5_SIGNATURE):
            return "mat-v7.3"
        raise FileFormatError(f"{path}: MAT-file v7.3 header, but no HDF5 data after byte {MAT73_USERBLOCK} "
                              "(truncated or damaged file?)")
    if any(head[offset:].startswith(HDF5_SIGNATURE) for offset in _HDF5_OFFSETS[1:]):
        return "hdf5"
    if head.startswith(b"MATLAB"):
        raise FileFormatError(f"{path}: MAT-file header with an unknown version field {head[124:128]!r} "
                              "(truncated or damaged file?)")
    raise FileFormatError(f"{path}: neither an HDF5 file nor a MAT-file (nor a NumPy .npz or PyTorch file; starts "
                          f"with {head[:16]!r}); expected the authors' .h5 files, a .mat saved with -v7 or -v7.3 "
                          "(MAT v4 files are not supported: re-save them with save -v7), numpy.savez or torch.save "
                          "output")


def _zip_kind(path) -> str:
    """``'npz'`` or ``'torch'`` for a zip archive, from its member names."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(f"{path}: a zip archive that cannot be read ({exc}); truncated or damaged?") from exc
    if any(name.endswith("data.pkl") for name in names):
        return "torch"
    if names and all(name.endswith(".npy") for name in names):
        return "npz"
    raise FileFormatError(f"{path}: a zip archive, but neither a NumPy .npz (only .npy members) nor a PyTorch "
                          f"file (data.pkl); it holds {', '.join(names[:5]) or 'nothing'}")


def _mat_version(head: bytes) -> int | None:
    """The version field of a level-5 / v7.3 MAT header, or None if there is none."""
    if len(head) < MAT_HEADER_BYTES or not head.startswith(b"MATLAB"):
        return None
    indicator = head[126:128]
    if indicator not in (b"IM", b"MI"):
        return None
    return int.from_bytes(head[124:126], "little" if indicator == b"IM" else "big")
