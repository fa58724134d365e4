-- Argo CD health of SecretGroup and SecretStoreIntegration (secrets.tfy.dev), from the Ready condition:
-- Healthy when Ready=True for the current generation, Degraded when Ready=False, Progressing while the operator
-- has not reported on the current generation yet.
local hs = {}
local generation = obj.metadata and obj.metadata.generation
local status = obj.status
if status == nil or status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end
if generation ~= nil and status.observedGeneration ~= nil and status.observedGeneration < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
  return hs
end
for _, condition in ipairs(status.conditions) do
  if condition.type == "Ready" then
    if generation ~= nil and condition.observedGeneration ~= nil and condition.observedGeneration < generation then
      hs.status = "Progressing"
      hs.message = "Waiting for the operator to observe generation " .. generation
    elseif condition.status == "True" then
      hs.status = "Healthy"
      hs.message = condition.message or "Ready"
    elseif condition.status == "False" then
      hs.status = "Degraded"
      hs.message = (condition.reason or "NotReady") .. ": " .. (condition.message or "")
    else
      hs.status = "Progressing"
      hs.message = condition.message or "Ready is Unknown"
    end
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the Ready condition"
return hs
