-- Argo CD resource action "refresh" on a SecretGroup: sets secrets.tfy.dev/force-sync to the current time (UTC,
-- RFC 3339), a new value each run, which the operator reads as "sync now". Other annotations are kept.
local os = require("os")
if obj.metadata.annotations == nil then
  obj.metadata.annotations = {}
end
obj.metadata.annotations["secrets.tfy.dev/force-sync"] = os.date("!%Y-%m-%dT%H:%M:%SZ")
return obj
