"""Support plans: assess, plan, do, review; targets, agreed versions and reviews."""
