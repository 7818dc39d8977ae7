"""The study's report, from study.json alone: every figure computed once (findings), then
written as STUDY.md and SCHEDULES.md (markdown), the pictures (plot) and the READMEs' answers
in English and Chinese (answer); write.write_report does all of it."""
