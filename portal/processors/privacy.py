"""Processor export memberships in erasure: the person link goes, the processor's id stays
until the next export has told the processor to remove them."""
from .models import ProcessorExport, ProcessorExportMember

COVERS = {
    ProcessorExportMember: "not exported (the processor's id for you, kept until they are told to remove you); "
                           "unlinked on erasure",
    ProcessorExport: "not personal: when an export was made and how many rows it had",
}

TABLES = []  # who receives which fields is in the processing information


def erase(person):
    """Unlink the person from export memberships (the processor id is kept for the removal list)."""
    ProcessorExportMember.update(person=None).where(ProcessorExportMember.person == person).execute()
