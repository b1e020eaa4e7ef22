"""The pure core: everything creditbank decides, with no Django, no I/O, no clock."""
