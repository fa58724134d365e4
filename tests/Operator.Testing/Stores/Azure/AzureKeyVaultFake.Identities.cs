using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Operator.Testing.Stores.Azure;

/// <summary>
/// A federated identity credential on the fake's app registration (workload identity): Entra accepts a client
/// assertion whose issuer, subject and audience are exactly these and which the issuer vouches for
/// (<see cref="IsGenuine"/>: signature and expiry, what Entra checks against the issuer's OIDC keys; a test asks the
/// Kubernetes API emulator's TokenReview).
/// </summary>
public sealed record AzureFederatedCredential(string Issuer, string Subject, Func<string, CancellationToken, Task<bool>> IsGenuine, string Audience = AzureFederatedCredential.DefaultAudience)
{
    /// <summary>The audience Entra expects on a federated token (and the workload identity webhook's projected token has).</summary>
    public const string DefaultAudience = "api://AzureADTokenExchange";
}

/// <summary>
/// The fake's other ways to a token: client assertions checked against a federated credential (workload identity, on
/// the Entra token endpoint) and the Azure Instance Metadata Service's managed identity endpoint
/// (<c>GET /metadata/identity/oauth2/token</c>, reached through <c>AZURE_POD_IDENTITY_AUTHORITY_HOST</c>) for the
/// user-assigned client ids it knows. Both refuse as their real counterparts do, without echoing what was sent.
/// </summary>
public sealed partial class AzureKeyVaultFake
{
    private const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private readonly HashSet<string> managedIdentities = new(StringComparer.OrdinalIgnoreCase);
    private volatile AzureFederatedCredential? federated;

    /// <summary>Adds a federated identity credential to the app (<see cref="ClientId"/>): assertions matching it buy tokens.</summary>
    public void AddFederatedCredential(AzureFederatedCredential credential) => federated = credential;

    /// <summary>Assigns a user-assigned managed identity of this client id to "the VM": IMDS issues tokens for it.</summary>
    public void AssignManagedIdentity(string clientId)
    {
        lock (managedIdentities)
        {
            managedIdentities.Add(clientId);
        }
    }

    /// <summary>Why a client assertion is refused (an AADSTS message as Entra words it), or null to accept it.</summary>
    private async Task<string?> CheckAssertionAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        if (form["client_assertion_type"] != JwtBearerAssertion)
        {
            return "AADSTS50027: JWT token is invalid or malformed.";
        }

        var assertion = form["client_assertion"].ToString();
        var parts = assertion.Split('.');
        JsonNode? claims = null;
        try
        {
            claims = parts.Length == 3 ? JsonNode.Parse(Base64UrlDecode(parts[1])) : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            claims = null;
        }

        if (claims is null)
        {
            return "AADSTS50027: JWT token is invalid or malformed.";
        }

        var credential = federated;
        var audiences = claims["aud"] is JsonArray many ? many.Select(a => (string?)a).ToList() : [(string?)claims["aud"]];
        if (credential is null || (string?)claims["iss"] != credential.Issuer)
        {
            return "AADSTS700211: No matching federated identity record found for presented assertion issuer.";
        }

        if ((string?)claims["sub"] != credential.Subject || !audiences.Contains(credential.Audience))
        {
            return "AADSTS70021: No matching federated identity record found for presented assertion.";
        }

        return await credential.IsGenuine(assertion, cancellationToken).ConfigureAwait(false)
            ? null
            : "AADSTS50013: Assertion failed signature validation.";
    }

    private async Task<bool> ServeManagedIdentityAsync(HttpContext context, string[] segments)
    {
        if (context.Request.Method != "GET" || segments is not ["metadata", "identity", "oauth2", "token"])
        {
            return false;
        }

        Faults.Count("imds.token");
        var query = context.Request.Query;
        if (context.Request.Headers["Metadata"] != "true")
        {
            await WriteImdsErrorAsync(context, 400, "invalid_request", "Required metadata header not specified").ConfigureAwait(false);
            return true;
        }

        if (StringValues.IsNullOrEmpty(query["api-version"]))
        {
            await WriteImdsErrorAsync(context, 400, "invalid_request", "Required query variable 'api-version' is missing").ConfigureAwait(false);
            return true;
        }

        var resource = query["resource"].ToString().TrimEnd('/');
        if (resource != Resource)
        {
            await WriteImdsErrorAsync(context, 400, "invalid_resource", "AADSTS500011: The resource principal was not found in the tenant.").ConfigureAwait(false);
            return true;
        }

        var clientId = query["client_id"].ToString();
        bool known;
        lock (managedIdentities)
        {
            known = clientId.Length > 0 && managedIdentities.Contains(clientId);
        }

        if (!known)
        {
            await WriteImdsErrorAsync(context, 400, "invalid_request", "Identity not found").ConfigureAwait(false);
            return true;
        }

        Faults.Count("imds.issued");
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var expires = DateTimeOffset.UtcNow + TokenLifetime;
        tokens[token] = expires;
        var seconds = ((int)TokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["access_token"] = token,
            ["client_id"] = clientId,
            ["expires_in"] = seconds,
            ["expires_on"] = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["ext_expires_in"] = seconds,
            ["not_before"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["resource"] = Resource,
            ["token_type"] = "Bearer",
        }).ConfigureAwait(false);
        return true;
    }

    private static Task WriteImdsErrorAsync(HttpContext context, int status, string error, string description) =>
        WriteJsonAsync(context, status, new JsonObject { ["error"] = error, ["error_description"] = description });

    private static byte[] Base64UrlDecode(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
}
