# placeholder replaced by the agent stage work
