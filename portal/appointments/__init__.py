"""Appointments and visits that staff record for a person (register B's customer data).

The staff pages come with the admin issue; `service.record_appointment` is
what they call. The person sees their appointments under My data.
"""
