"""The reproduction study's library: what it runs (settings, plan), one run (run), the process
of one run (job), the runs on Dask (cluster), and what is finished (ledger). study.py is the
command: its options become a StudySettings, and everything here takes that, never the parsed
options."""
