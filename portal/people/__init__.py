"""The people in the register (Person) and the addresses that may enter it."""
