"""The fakes, one package per upstream; each exports `SPEC` (see jobfakes.core.registry)."""
