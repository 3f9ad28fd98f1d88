"""ModelArts-compatible model_service package served by Atelier's model server."""
