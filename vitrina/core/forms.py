from vitrina.core.errors import ServiceError


def add_service_error(form, exc: ServiceError) -> None:
    """Show a service's field errors next to the fields, the rest on top of the form."""
    placed = False
    for name, messages in exc.fields.items():
        for message in messages:
            if name in form.fields:
                form.add_error(name, str(message))
                placed = True
    if not placed:
        form.add_error(None, str(exc.message))
