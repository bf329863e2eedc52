"""Publishers: how a scheduled push reaches its platform (one class per mode)."""
