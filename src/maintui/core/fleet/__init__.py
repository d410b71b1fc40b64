"""Steps on many hosts through Ansible (ansible-runner): inventory, plays, rollouts, results."""
