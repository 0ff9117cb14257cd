"""How people reach the assistant: terminal, CLI, Telegram; settings and composition root."""
