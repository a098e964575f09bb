"""Real (tiny) images for upload tests, made with Pillow: the upload service decodes what it stores,
so a magic-bytes prefix with zeros behind it is refused. ``jpeg_with_gps()`` carries EXIF with a
GPS position, camera make and an orientation, to prove the stored copy has none of it."""

import io

from PIL import Image

GPS_IFD = 0x8825
MAKE, ORIENTATION = 0x010F, 0x0112


def image_bytes(fmt: str = "PNG", size=(8, 6), color=(200, 30, 30), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt, **options)
    return out.getvalue()


def jpeg_with_gps(size=(16, 8)) -> bytes:
    """A JPEG whose EXIF names a camera, a GPS position in Pingshan and orientation 6 (rotated 90°)."""
    exif = Image.Exif()
    exif[MAKE] = "SpyCam"
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (22.0, 41.0, 30.5), 3: "E", 4: (114.0, 20.0, 45.2)}
    return image_bytes("JPEG", size=size, exif=exif.tobytes())


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
WEBP = image_bytes("WEBP")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
