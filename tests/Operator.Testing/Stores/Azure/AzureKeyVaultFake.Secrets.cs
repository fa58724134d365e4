using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Azure;

/// <summary>The Key Vault secrets API (7.x): get, set, list, delete, recover and purge.</summary>
public sealed partial class AzureKeyVaultFake
{
    /// <summary>The longest secret value the vault takes.</summary>
    public const int MaxValueLength = 25600;

    private async Task ServeSecretsAsync(HttpContext context, string operation, string[] segments)
    {
        var name = segments.Length > 1 ? segments[1] : "";
        switch (operation)
        {
            case "list":
                await ListAsync(context).ConfigureAwait(false);
                return;
            case "get":
                // A disabled secret is not "not found" and not an access policy denial: Key Vault answers 403 with
                // code Forbidden and inner error SecretDisabled ("Operation get is not allowed on a disabled secret.").
                if (disabled.ContainsKey(name) && vault.Get(name, null) is not null)
                {
                    await WriteErrorAsync(context, 403, "Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled").ConfigureAwait(false);
                    return;
                }

                if (vault.Get(name, segments.Length > 2 ? segments[2] : null) is { } found)
                {
                    await WriteJsonAsync(context, 200, Bundle(found.Name, found.Version, withValue: true)).ConfigureAwait(false);
                    return;
                }

                await SecretNotFoundAsync(context, name).ConfigureAwait(false);
                return;
            case "set":
                var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
                if (body?["value"]?.GetValue<string>() is not { } value)
                {
                    await WriteErrorAsync(context, 400, "BadParameter", "Property value is required").ConfigureAwait(false);
                    return;
                }

                // "Key Vault secrets ... a maximum size of 25k bytes each"; az keyvault refuses over 25600 characters.
                if (value.Length > MaxValueLength)
                {
                    await WriteErrorAsync(context, 400, "BadParameter", $"Secret value is beyond the maximum permitted length of {MaxValueLength} characters.").ConfigureAwait(false);
                    return;
                }

                if (!IsValidName(name))
                {
                    await WriteErrorAsync(context, 400, "BadParameter", "The request URI contains an invalid name").ConfigureAwait(false);
                    return;
                }

                var tags = body["tags"] is JsonObject t ? t.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? "", StringComparer.Ordinal) : null;
                var (outcome, stored, version) = vault.Set(name, value, tags);
                if (outcome == FakeVault.SetOutcome.DeletedButRecoverable)
                {
                    await WriteErrorAsync(context, 409, "Conflict", "Secret is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.", "ObjectIsDeletedButRecoverable").ConfigureAwait(false);
                    return;
                }

                await WriteJsonAsync(context, 200, Bundle(stored, version!, withValue: true)).ConfigureAwait(false);
                return;
            case "delete":
                if (vault.Delete(name) is { } gone)
                {
                    await WriteJsonAsync(context, 200, DeletedBundle(gone.Name, gone.Version, gone.DeletedOn)).ConfigureAwait(false);
                    return;
                }

                await SecretNotFoundAsync(context, name).ConfigureAwait(false);
                return;
            case "get-deleted":
                if (vault.GetDeleted(name) is { } d)
                {
                    await WriteJsonAsync(context, 200, DeletedBundle(d.Name, d.Version, d.DeletedOn)).ConfigureAwait(false);
                    return;
                }

                await WriteErrorAsync(context, 404, "DeletedSecretNotFound", "Deleted Secret not found").ConfigureAwait(false);
                return;
            case "recover":
                if (vault.Recover(name) is { } back)
                {
                    await WriteJsonAsync(context, 200, Bundle(back.Name, back.Version, withValue: false)).ConfigureAwait(false);
                    return;
                }

                await WriteErrorAsync(context, 404, "DeletedSecretNotFound", "Deleted Secret not found").ConfigureAwait(false);
                return;
            case "purge":
                if (vault.Purge(name))
                {
                    context.Response.StatusCode = 204;
                    return;
                }

                await WriteErrorAsync(context, 404, "DeletedSecretNotFound", "Deleted Secret not found").ConfigureAwait(false);
                return;
            default:
                unanswered.Enqueue($"{context.Request.Method} {context.Request.Path}");
                await WriteErrorAsync(context, 405, "MethodNotAllowed", "not supported by the fake").ConfigureAwait(false);
                return;
        }
    }

    private static bool IsValidName(string name) => name.Length is > 0 and <= 127 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static Task SecretNotFoundAsync(HttpContext context, string name) =>
        WriteErrorAsync(context, 404, "SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault.");

    // GET /secrets (Key Vault REST 7.4, "Get Secrets"): "maxresults: Maximum number of results to return in a page. If
    // not specified the service will return up to 25 results" (1..25); each item is a SecretItem (id, attributes, tags,
    // no value); more pages follow through nextLink, null on the last.
    private async Task ListAsync(HttpContext context)
    {
        var max = context.Request.Query["maxresults"].FirstOrDefault() is { } m ? int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) : 25;
        if (max is < 1 or > 25)
        {
            await WriteErrorAsync(context, 400, "BadParameter", "maxresults must be between 1 and 25").ConfigureAwait(false);
            return;
        }

        var skip = int.TryParse(context.Request.Query["$skiptoken"].FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
        var all = vault.List();
        var items = new JsonArray([.. all.Skip(skip).Take(max).Select(s =>
        {
            var attributes = Attributes(s.Version);
            attributes["enabled"] = !disabled.ContainsKey(s.Name);
            return (JsonNode)new JsonObject { ["id"] = SecretId(s.Name, null), ["attributes"] = attributes, ["tags"] = Tags(s.Version) };
        })]);
        var next = skip + max < all.Count ? $"{VaultUri}secrets?api-version={context.Request.Query["api-version"]}&maxresults={max}&$skiptoken={skip + max}" : null;
        await WriteJsonAsync(context, 200, new JsonObject { ["value"] = items, ["nextLink"] = next }).ConfigureAwait(false);
    }

    private static JsonObject Tags(FakeSecretVersion version) =>
        new([.. (version.Tags ?? new Dictionary<string, string>()).Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))]);

    private string SecretId(string name, string? version) => $"{VaultUri}secrets/{name}" + (version is null ? "" : "/" + version);

    private static JsonObject Attributes(FakeSecretVersion version) => new()
    {
        ["enabled"] = true,
        ["created"] = version.Created.ToUnixTimeSeconds(),
        ["updated"] = version.Created.ToUnixTimeSeconds(),
        ["recoveryLevel"] = "Recoverable+Purgeable",
        ["recoverableDays"] = 90,
    };

    private JsonObject Bundle(string name, FakeSecretVersion version, bool withValue)
    {
        var bundle = new JsonObject { ["id"] = SecretId(name, version.Version), ["attributes"] = Attributes(version), ["tags"] = Tags(version) };
        if (withValue)
        {
            bundle["value"] = version.Value;
        }

        return bundle;
    }

    private JsonObject DeletedBundle(string name, FakeSecretVersion version, DateTimeOffset deletedOn)
    {
        var bundle = Bundle(name, version, withValue: false);
        bundle["recoveryId"] = $"{VaultUri}deletedsecrets/{name}";
        bundle["deletedDate"] = deletedOn.ToUnixTimeSeconds();
        bundle["scheduledPurgeDate"] = deletedOn.AddDays(90).ToUnixTimeSeconds();
        return bundle;
    }
}
