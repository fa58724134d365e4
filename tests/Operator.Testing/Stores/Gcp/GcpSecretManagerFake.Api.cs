using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Gcp;

/// <summary>The Secret Manager v1 REST endpoints: access, addVersion, create, delete, get and list.</summary>
public sealed partial class GcpSecretManagerFake
{
    /// <summary>The largest payload a version takes.</summary>
    public const int MaxPayloadBytes = 64 * 1024;

    // projects/{p}/secrets[/{id}[:addVersion | /versions/{v}:access]]
    private static string? Classify(string method, string[] parts)
    {
        if (parts.Length < 3 || parts[0] != "projects" || parts[2] != "secrets")
        {
            return null;
        }

        return (parts.Length, method) switch
        {
            (3, "GET") => "list",
            (3, "POST") => "create",
            (4, "POST") when parts[3].EndsWith(":addVersion", StringComparison.Ordinal) => "addVersion",
            (4, "DELETE") => "delete",
            (4, "GET") => "get",
            (6, "GET") when parts[4] == "versions" && parts[5].EndsWith(":access", StringComparison.Ordinal) => "access",
            _ => null,
        };
    }

    private async Task ServeApiAsync(HttpContext context, string operation, string[] parts)
    {
        var project = parts[1];
        switch (operation)
        {
            case "list":
                await ListAsync(context, project).ConfigureAwait(false);
                break;
            case "create":
                await CreateAsync(context, project, context.Request.Query["secretId"].ToString()).ConfigureAwait(false);
                break;
            case "addVersion":
                await AddVersionAsync(context, project, parts[3][..^":addVersion".Length]).ConfigureAwait(false);
                break;
            case "delete":
                bool removed;
                lock (gate)
                {
                    removed = secrets.Remove((project, parts[3]));
                }

                await (removed ? JsonAsync(context, new JsonObject()) : NotFoundAsync(context, project, parts[3])).ConfigureAwait(false);
                break;
            case "get":
                await (Exists(parts[3], project) ? JsonAsync(context, SecretJson(project, parts[3])) : NotFoundAsync(context, project, parts[3])).ConfigureAwait(false);
                break;
            default:
                await AccessAsync(context, project, parts[3], parts[5][..^":access".Length]).ConfigureAwait(false);
                break;
        }
    }

    private async Task AccessAsync(HttpContext context, string project, string id, string version)
    {
        var now = Interlocked.Increment(ref accessInFlight);
        int seen;
        while ((seen = Volatile.Read(ref maxAccessInFlight)) < now && Interlocked.CompareExchange(ref maxAccessInFlight, now, seen) != seen)
        {
        }

        try
        {
            // Let concurrent reads overlap, so a missing bound would show in MaxConcurrentAccess.
            await Task.Yield();
            byte[]? data = null;
            var number = 0;
            var state = "ENABLED";
            var corrupt = false;
            lock (gate)
            {
                if (secrets.TryGetValue((project, id), out var versions) && versions.Count > 0)
                {
                    // "latest" is the most recently created version, whatever its state (Secret Manager: version aliases).
                    number = version == "latest" ? versions.Count : int.TryParse(version, CultureInfo.InvariantCulture, out var n) ? n : 0;
                    data = number >= 1 && number <= versions.Count ? versions[number - 1] : null;
                    state = states.GetValueOrDefault((project, id, number), "ENABLED");
                    corrupt = data is not null && state == "ENABLED" && corruptPayloads > 0 && corruptPayloads-- > 0;
                }
            }

            if (data is null)
            {
                await ErrorAsync(context, 404, "NOT_FOUND", $"Secret Version [projects/{project}/secrets/{id}/versions/{version}] not found.").ConfigureAwait(false);
                return;
            }

            // projects.secrets.versions.access on a disabled or destroyed version: 400 FAILED_PRECONDITION
            // "Secret Version [...] is in DISABLED state." (the data of a destroyed version is gone for good).
            if (state != "ENABLED")
            {
                await ErrorAsync(context, 400, "FAILED_PRECONDITION", $"Secret Version [{VersionName(project, id, number)}] is in {state} state.").ConfigureAwait(false);
                return;
            }

            var sent = corrupt ? [(byte)(data.Length == 0 ? 0 : data[0] ^ 0x01), .. data.Skip(1)] : data;
            await JsonAsync(context, new JsonObject
            {
                ["name"] = VersionName(project, id, number),
                ["payload"] = new JsonObject
                {
                    ["data"] = Convert.ToBase64String(sent),

                    // SecretPayload.dataCrc32c: the CRC32C of data, as a decimal int64 string, for the client to verify.
                    ["dataCrc32c"] = Crc32C(data).ToString(CultureInfo.InvariantCulture),
                },
            }).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref accessInFlight);
        }
    }

    private async Task AddVersionAsync(HttpContext context, string project, string id)
    {
        var body = await ReadJsonAsync(context).ConfigureAwait(false);
        byte[] data;
        try
        {
            data = Convert.FromBase64String(body?["payload"]?["data"]?.GetValue<string>() ?? throw new FormatException());
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "payload.data must be base64").ConfigureAwait(false);
            return;
        }

        // SecretPayload.data "must be no larger than 64KiB" (Secret Manager v1 REST reference).
        if (data.Length > MaxPayloadBytes)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", $"Secret Payload cannot be larger than {MaxPayloadBytes} bytes.").ConfigureAwait(false);
            return;
        }

        int number;
        lock (gate)
        {
            if (!secrets.TryGetValue((project, id), out var versions))
            {
                versions = null;
            }

            versions?.Add(data);
            number = versions?.Count ?? 0;
        }

        if (number == 0)
        {
            await NotFoundAsync(context, project, id).ConfigureAwait(false);
            return;
        }

        await JsonAsync(context, new JsonObject { ["name"] = VersionName(project, id, number), ["state"] = "ENABLED" }).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, string project, string id)
    {
        var body = await ReadJsonAsync(context).ConfigureAwait(false);
        if (id.Length is 0 or > 255 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') || body?["replication"] is null)
        {
            await ErrorAsync(context, 400, "INVALID_ARGUMENT", "secretId or replication is invalid").ConfigureAwait(false);
            return;
        }

        lock (gate)
        {
            if (!secrets.TryAdd((project, id), []))
            {
                id = "";
            }
        }

        await (id.Length == 0
            ? ErrorAsync(context, 409, "ALREADY_EXISTS", "Secret already exists.")
            : JsonAsync(context, SecretJson(project, id))).ConfigureAwait(false);
    }

    // GET projects/{p}/secrets (Secret Manager v1 REST, secrets.list): pageSize "If the number is greater than 25000, it
    // is capped at 25000" (0 or none: the server decides), nextPageToken on all but the last page; filter ("Filter lists
    // of secrets"): terms joined by AND, here `name:<text>` (the name contains it) and `labels.<key>=<value>`; the API
    // supports no regular expressions. Unknown terms are INVALID_ARGUMENT.
    private Task ListAsync(HttpContext context, string project)
    {
        var pageSize = int.TryParse(context.Request.Query["pageSize"], CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 25000) : 25000;
        var skip = int.TryParse(context.Request.Query["pageToken"], CultureInfo.InvariantCulture, out var t) ? t : 0;
        var terms = (context.Request.Query["filter"].FirstOrDefault() ?? "").Split(" AND ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (terms.Any(term => !term.StartsWith("name:", StringComparison.Ordinal) && !(term.StartsWith("labels.", StringComparison.Ordinal) && term.Contains('=', StringComparison.Ordinal))))
        {
            return ErrorAsync(context, 400, "INVALID_ARGUMENT", "Invalid filter.");
        }

        List<string> ids;
        lock (gate)
        {
            ids = [.. secrets.Keys.Where(k => k.Project == project).Select(k => k.Id).Where(id => terms.All(term => Matches(project, id, term))).Order(StringComparer.Ordinal)];
        }

        var page = ids.Skip(skip).Take(pageSize).ToList();
        var list = new JsonArray([.. page.Select(id => (JsonNode)SecretJson(project, id))]);
        var body = page.Count == 0 ? new JsonObject() : new JsonObject { ["secrets"] = list, ["totalSize"] = ids.Count };
        if (skip + pageSize < ids.Count)
        {
            body["nextPageToken"] = (skip + pageSize).ToString(CultureInfo.InvariantCulture);
        }

        return JsonAsync(context, body);
    }

    // Called under the gate.
    private bool Matches(string project, string id, string term)
    {
        if (term.StartsWith("name:", StringComparison.Ordinal))
        {
            return id.Contains(term[5..], StringComparison.Ordinal);
        }

        var (key, value) = (term[7..term.IndexOf('=', StringComparison.Ordinal)], term[(term.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        return labels.TryGetValue((project, id), out var l) && l.TryGetValue(key, out var v) && v == value;
    }

    private static JsonObject SecretJson(string project, string id) => new()
    {
        ["name"] = $"projects/{project}/secrets/{id}",
        ["replication"] = new JsonObject { ["automatic"] = new JsonObject() },
        ["createTime"] = "2026-01-01T00:00:00Z",
    };

    private static string VersionName(string project, string id, int number) => $"projects/{project}/secrets/{id}/versions/{number.ToString(CultureInfo.InvariantCulture)}";

    private static Task NotFoundAsync(HttpContext context, string project, string id) =>
        ErrorAsync(context, 404, "NOT_FOUND", $"Secret [projects/{project}/secrets/{id}] not found or has no versions.");

    private static async Task<JsonNode?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task JsonAsync(HttpContext context, JsonNode body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json; charset=UTF-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static Task ErrorAsync(HttpContext context, int code, string status, string message, TimeSpan? retryDelay = null)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json; charset=UTF-8";
        var error = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status };
        if (retryDelay is { } delay)
        {
            // google.rpc.RetryInfo (AIP-194): "clients should wait at least retry_delay" before retrying.
            error["details"] = new JsonArray(new JsonObject
            {
                ["@type"] = "type.googleapis.com/google.rpc.RetryInfo",
                ["retryDelay"] = $"{(long)delay.TotalSeconds}s",
            });
        }

        return context.Response.WriteAsync(new JsonObject { ["error"] = error }.ToJsonString(), context.RequestAborted);
    }

    // CRC32C (Castagnoli, reflected 0x82F63B78), as Secret Manager reports in dataCrc32c.
    private static uint Crc32C(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
