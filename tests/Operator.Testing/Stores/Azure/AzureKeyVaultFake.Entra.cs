using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Azure;

/// <summary>The Microsoft Entra endpoints a confidential client uses: token (client credentials) and the metadata MSAL may ask for.</summary>
public sealed partial class AzureKeyVaultFake
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private async Task<bool> ServeEntraAsync(HttpContext context, string[] segments)
    {
        var method = context.Request.Method;
        var authority = AuthorityHost.ToString().TrimEnd('/');
        if (method == "POST" && segments is [var tenant, "oauth2", "v2.0", "token"])
        {
            Faults.Count("token");
            await IssueTokenAsync(context, tenant).ConfigureAwait(false);
            return true;
        }

        if (method == "GET" && segments is [var t, "v2.0", ".well-known", "openid-configuration"])
        {
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["token_endpoint"] = $"{authority}/{t}/oauth2/v2.0/token",
                ["authorization_endpoint"] = $"{authority}/{t}/oauth2/v2.0/authorize",
                ["issuer"] = $"{authority}/{t}/v2.0",
                ["jwks_uri"] = $"{authority}/{t}/discovery/v2.0/keys",
                ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            }).ConfigureAwait(false);
            return true;
        }

        if (method == "GET" && segments is [_, "discovery", "instance"])
        {
            var host = AuthorityHost.Authority;
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["tenant_discovery_endpoint"] = $"{authority}/{TenantId}/v2.0/.well-known/openid-configuration",
                ["api-version"] = "1.1",
                ["metadata"] = new JsonArray(new JsonObject { ["preferred_network"] = host, ["preferred_cache"] = host, ["aliases"] = new JsonArray(host) }),
            }).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private async Task IssueTokenAsync(HttpContext context, string tenant)
    {
        if (!context.Request.HasFormContentType)
        {
            await WriteOAuthErrorAsync(context, 400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'grant_type'.", 900144).ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (!string.Equals(tenant, TenantId, StringComparison.OrdinalIgnoreCase))
        {
            await WriteOAuthErrorAsync(context, 400, "invalid_request", "AADSTS90002: Tenant not found.", 90002).ConfigureAwait(false);
            return;
        }

        if (form["grant_type"] != "client_credentials")
        {
            await WriteOAuthErrorAsync(context, 400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.", 70003).ConfigureAwait(false);
            return;
        }

        if (form["client_id"] != ClientId)
        {
            await WriteOAuthErrorAsync(context, 400, "unauthorized_client", "AADSTS700016: Application was not found in the directory.", 700016).ConfigureAwait(false);
            return;
        }

        // A client assertion (workload identity) instead of a secret: checked against the federated credential.
        if (form.ContainsKey("client_assertion") || form.ContainsKey("client_assertion_type"))
        {
            if (await CheckAssertionAsync(form, context.RequestAborted).ConfigureAwait(false) is { } refused)
            {
                await WriteOAuthErrorAsync(context, 401, "invalid_client", refused, int.Parse(refused["AADSTS".Length..refused.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
                return;
            }

            Faults.Count("token.federated");
        }

        // Never echoes what was sent: a real token endpoint does not either.
        else if (form["client_secret"] != ClientSecret)
        {
            await WriteOAuthErrorAsync(context, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided.", 7000215).ConfigureAwait(false);
            return;
        }

        if (!form["scope"].ToString().Split(' ').Contains(Resource + "/.default", StringComparer.Ordinal))
        {
            await WriteOAuthErrorAsync(context, 400, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is not valid.", 70011).ConfigureAwait(false);
            return;
        }

        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        tokens[token] = DateTimeOffset.UtcNow + TokenLifetime;
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)TokenLifetime.TotalSeconds,
            ["ext_expires_in"] = (int)TokenLifetime.TotalSeconds,
            ["access_token"] = token,
        }).ConfigureAwait(false);
    }

    private static Task WriteOAuthErrorAsync(HttpContext context, int status, string error, string description, int code) =>
        WriteJsonAsync(context, status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
        });
}
