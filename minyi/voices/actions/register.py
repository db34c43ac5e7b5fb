"""Step performers for the `voice` process (see minyi.core.engine.steps.register_step).

Each handling module registers the steps it carries out when it is imported here.
"""
