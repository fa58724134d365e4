using System.Text;
using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Aws;

/// <summary>The operations, with the constraints and error codes of the Secrets Manager API reference.</summary>
public sealed partial class SecretsManagerFake
{
    // BatchGetSecretValue: "You must include Filters or SecretIdList, but not both"; at most 20 ids; per-secret failures
    // (ResourceNotFoundException, AccessDeniedException, ...) go to Errors[], the call itself succeeds.
    private Answer BatchGet(JsonObject request, IReadOnlyList<string> ids)
    {
        if (request["Filters"] is not null)
        {
            return ids.Count > 0
                ? Error("InvalidParameterException", "Either 'SecretIdList' or 'Filters' must be provided, but not both.")
                : Error("InvalidRequestException", "the fake serves BatchGetSecretValue by SecretIdList only");
        }

        if (ids.Count is 0 or > MaxBatch)
        {
            return Error("ValidationException", $"1 validation error detected: Value at 'secretIdList' failed to satisfy constraint: Member must have length less than or equal to {MaxBatch} and greater than or equal to 1");
        }

        var values = new JsonArray();
        var errors = new JsonArray();
        foreach (var id in ids)
        {
            var secret = Find(id);
            var failure = denied.Contains(Name(id)) ? ("AccessDeniedException", "Access denied.")
                : secret?.ByStage("AWSCURRENT") is null ? ("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
                : ((string, string)?)null;
            if (failure is { } f)
            {
                errors.Add(new JsonObject { ["SecretId"] = id, ["ErrorCode"] = f.Item1, ["Message"] = f.Item2 });
            }
            else
            {
                values.Add(Entry(secret!, secret!.ByStage("AWSCURRENT")!));
            }
        }

        return Ok(new JsonObject { ["SecretValues"] = values, ["Errors"] = errors });
    }

    private Answer GetSecretValue(JsonObject request)
    {
        var id = (string?)request["SecretId"] ?? "";
        var versionId = (string?)request["VersionId"];
        var stage = (string?)request["VersionStage"];
        if (versionId is { Length: < 32 or > 64 })
        {
            return Error("ValidationException", "1 validation error detected: Value at 'versionId' failed to satisfy constraint: Member must have length greater than or equal to 32");
        }

        if (denied.Contains(Name(id)))
        {
            return AccessDenied("GetSecretValue", id);
        }

        if (Find(id) is not { } secret)
        {
            return NotFound();
        }

        var version = versionId is not null ? secret.Versions.Find(v => v.Id == versionId) : secret.ByStage(stage ?? "AWSCURRENT");
        if (version is null || (stage is not null && !version.Stages.Contains(stage)))
        {
            return Error("ResourceNotFoundException", versionId is not null
                ? $"Secrets Manager can't find the specified secret value for VersionId: {versionId}"
                : $"Secrets Manager can't find the specified secret value for staging label: {stage}");
        }

        return Ok(Entry(secret, version));
    }

    private Answer PutSecretValue(JsonObject request)
    {
        var id = (string?)request["SecretId"] ?? "";
        if (ValueProblem(request) is { } problem)
        {
            return problem;
        }

        if (denied.Contains(Name(id)))
        {
            return AccessDenied("PutSecretValue", id);
        }

        if (Find(id) is not { } secret)
        {
            return NotFound();
        }

        // ClientRequestToken is the new version's id; a retry with the same token and value is idempotent.
        var token = (string?)request["ClientRequestToken"] ?? Guid.NewGuid().ToString();
        if (secret.Versions.Find(v => v.Id == token) is { } existing)
        {
            return Same(existing, request)
                ? Ok(new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = existing.Id, ["VersionStages"] = new JsonArray([.. existing.Stages.Select(s => (JsonNode?)JsonValue.Create(s))]) })
                : Error("ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
        }

        var (text, binary) = ValueOf(request);
        Store(secret.Name, text, binary, token);
        return Ok(new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = token, ["VersionStages"] = new JsonArray("AWSCURRENT") });
    }

    private Answer CreateSecret(JsonObject request)
    {
        var name = (string?)request["Name"] ?? "";
        if (name.Length is 0 or > 512 || !name.All(c => char.IsAsciiLetterOrDigit(c) || "/_+=.@-".Contains(c, StringComparison.Ordinal)))
        {
            return Error("ValidationException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
        }

        if (ValueProblem(request) is { } problem)
        {
            return problem;
        }

        if (denied.Contains(name))
        {
            return AccessDenied("CreateSecret", name);
        }

        if (secrets.ContainsKey(name))
        {
            return Error("ResourceExistsException", $"The operation failed because the secret {name} already exists.");
        }

        var (text, binary) = ValueOf(request);
        var version = Store(name, text, binary, (string?)request["ClientRequestToken"] ?? Guid.NewGuid().ToString());
        return Ok(new JsonObject { ["ARN"] = secrets[name].Arn, ["Name"] = name, ["VersionId"] = version });
    }

    private Answer DeleteSecret(JsonObject request)
    {
        var id = (string?)request["SecretId"] ?? "";
        if (request["ForceDeleteWithoutRecovery"] is not null && request["RecoveryWindowInDays"] is not null)
        {
            return Error("InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
        }

        if (denied.Contains(Name(id)))
        {
            return AccessDenied("DeleteSecret", id);
        }

        if (Find(id) is not { } secret)
        {
            return NotFound();
        }

        secrets.Remove(secret.Name);
        return Ok(new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name });
    }

    // Exactly one of SecretString and SecretBinary, each at most 65536 bytes.
    private static Answer? ValueProblem(JsonObject request)
    {
        var (text, binary) = ValueOf(request);
        if (text is not null && binary is not null)
        {
            return Error("InvalidParameterException", "You can't specify both a binary secret value and a string secret value in the same secret.");
        }

        if (text is null && binary is null)
        {
            return Error("InvalidParameterException", "You must provide either SecretString or SecretBinary.");
        }

        var size = binary?.Length ?? Encoding.UTF8.GetByteCount(text!);
        return size > MaxSecretBytes
            ? Error("ValidationException", $"1 validation error detected: Value at '{(binary is null ? "secretString" : "secretBinary")}' failed to satisfy constraint: Member must have length less than or equal to {MaxSecretBytes}")
            : null;
    }

    private static (string? Text, byte[]? Binary) ValueOf(JsonObject request) =>
        ((string?)request["SecretString"], request["SecretBinary"] is JsonValue b ? Convert.FromBase64String((string)b!) : null);

    private static bool Same(FakeVersion version, JsonObject request)
    {
        var (text, binary) = ValueOf(request);
        return text == version.Text && (binary ?? []).AsSpan().SequenceEqual(version.Binary ?? []);
    }

    // Called under the gate: by name or by ARN.
    private FakeSecret? Find(string id) => secrets.GetValueOrDefault(Name(id));

    private string Name(string id) =>
        secrets.Values.FirstOrDefault(s => s.Arn == id)?.Name ?? id;
}
