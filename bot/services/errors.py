"""Rule violations. Handlers turn each into a friendly, translated message."""


class ServiceError(Exception):
    """Base class; carries no user-facing text (that lives in the catalogues)."""


class TooLong(ServiceError):
    def __init__(self, limit: int, length: int) -> None:
        message = f"{length} characters, at most {limit} allowed"
        super().__init__(message)
        self.limit = limit
        self.length = length


class EmptyValue(ServiceError):
    pass


class InvalidSlug(ServiceError):
    pass


class SlugTaken(ServiceError):
    pass


class UnknownTimezone(ServiceError):
    pass


class TooManyDistricts(ServiceError):
    def __init__(self, limit: int) -> None:
        message = f"at most {limit} districts"
        super().__init__(message)
        self.limit = limit


class PlaceNotFound(ServiceError):
    pass


class DistrictNotInPlace(ServiceError):
    pass


class InviteInvalid(ServiceError):
    """Unknown, already used or expired: the three look the same to the user on purpose."""
