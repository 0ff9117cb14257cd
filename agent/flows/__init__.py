"""Guided dialogues (eligibility interview, drafting interviews, drafts menu)."""

from agent.flows.base import Flow, FlowContext, FlowStep

__all__ = ["Flow", "FlowContext", "FlowStep"]
