-- Argo CD resource actions offered on a SecretGroup: "refresh", except on a group being deleted.
local actions = {}
actions["refresh"] = {["disabled"] = obj.metadata.deletionTimestamp ~= nil}
return actions
