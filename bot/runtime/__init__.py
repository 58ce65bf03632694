"""The running process: building the bot and dispatcher (`app`), the webhook server
(`webhook`), timed work (`scheduler`: when each job runs, and one call into `notify` or
`services`), logging and memory settings. Nothing here words a message."""
