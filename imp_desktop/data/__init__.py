"""The data layer: Peewee models, opening the database, migrations."""
