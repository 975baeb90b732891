"""The API's marshmallow schemas: what each operation reads and answers (the document)."""
