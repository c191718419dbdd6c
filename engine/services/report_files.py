"""Files sent with a report: content type by sniffing the bytes, size limit, forbidden kinds, image dimensions."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from PIL import Image, UnidentifiedImageError

from engine.errors import InvalidInput
from engine.services.publications import DraftFile

# Programs and scripts: a report never needs one, and a team member might open it.
_EXECUTABLE_TYPES = frozenset({"application/x-msdownload", "application/x-executable", "application/x-elf",
                               "application/x-mach-binary", "application/x-dex", "application/x-shockwave-flash",
                               "application/vnd.microsoft.portable-executable", "application/x-sharedlib"})
_EXECUTABLE_NAMES = (".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".dll", ".js", ".jse", ".vbs",
                     ".vbe", ".wsf", ".ps1", ".jar", ".sh", ".lnk", ".hta", ".cpl", ".apk", ".app")
_MACRO_NAMES = (".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppam", ".sldm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_VBA = "_VBA_PROJECT".encode("utf-16-le")


@dataclass(frozen=True)
class CheckedFile:
    """A file that may be kept: its sniffed type and, for images, its size in pixels."""

    filename: str
    content_type: str
    data: bytes
    width: int | None = None
    height: int | None = None


def _sniffed(item: DraftFile) -> str:
    kind = filetype.guess(item.data[:8192])
    if kind is not None:
        return kind.mime
    declared = item.content_type.split(";")[0].strip().lower()
    if declared.startswith("text/") or not declared:
        try:
            item.data[:65536].decode("utf-8")
            return "text/plain"
        except UnicodeDecodeError:
            return "application/octet-stream"
    return "application/octet-stream"


def _has_macros(data: bytes, content_type: str) -> bool:
    if data.startswith(_OLE_MAGIC):
        return _OLE_VBA in data
    if content_type.startswith("application/vnd.openxmlformats") or content_type == "application/zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
    return False


def _dimensions(data: bytes) -> tuple[int | None, int | None]:
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            return image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None, None


def check_file(item: DraftFile, max_bytes: int) -> CheckedFile:
    """The file as it will be kept, or InvalidInput naming the file and what is wrong with it."""
    name = (item.filename or "attachment").strip()[:255] or "attachment"
    if len(item.data) > max_bytes:
        raise InvalidInput(f"the file {name!r} is {len(item.data) / 1e6:.1f} MB; "
                           f"files sent with a report may be at most {max_bytes / 1e6:.1f} MB")
    sniffed = _sniffed(item)
    if sniffed in _EXECUTABLE_TYPES or name.lower().endswith(_EXECUTABLE_NAMES) or item.data.startswith(b"MZ"):
        raise InvalidInput(f"the file {name!r} is a program; programs are never accepted with a report")
    if name.lower().endswith(_MACRO_NAMES) or _has_macros(item.data, sniffed):
        raise InvalidInput(f"the file {name!r} is a document with macros; please send it as a PDF "
                           "or a document without macros")
    width, height = _dimensions(item.data) if sniffed.startswith("image/") else (None, None)
    return CheckedFile(name, sniffed, item.data, width, height)


def check_files(items: list[DraftFile], max_bytes: int) -> list[CheckedFile]:
    return [check_file(item, max_bytes) for item in items]
