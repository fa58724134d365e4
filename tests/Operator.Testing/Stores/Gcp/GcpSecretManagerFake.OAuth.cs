using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Stores.Gcp;

/// <summary>The fake OAuth endpoint: JWT bearer grants signed by a known service account's key buy an access token.</summary>
public sealed partial class GcpSecretManagerFake
{
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private const string GoogleTokenUrl = "https://oauth2.googleapis.com/token";
    private readonly ConcurrentDictionary<string, RSAParameters> accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Email, DateTimeOffset Expiry)> tokens = new(StringComparer.Ordinal);

    /// <summary>Why the last refused grant was refused (for test diagnostics).</summary>
    public string? LastGrantError { get; private set; }

    /// <summary>How long issued access tokens live.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Generates a key for a service account the fake knows (its tokens are accepted).</summary>
    public GcpServiceAccountKey CreateServiceAccountKey(string email = "secret-operator@test-project.iam.gserviceaccount.com")
    {
        var key = GcpServiceAccountKey.Generate(email, DefaultProject, TokenUri);
        accounts[email] = key.PublicKey;
        return key;
    }

    /// <summary>Generates a well-formed key for an account the fake has never heard of.</summary>
    public GcpServiceAccountKey CreateUnknownServiceAccountKey(string email = "stranger@elsewhere.iam.gserviceaccount.com") =>
        GcpServiceAccountKey.Generate(email, DefaultProject, TokenUri);

    /// <summary>Forgets the account: its grants fail with invalid_grant and its issued tokens stop working.</summary>
    public void RevokeServiceAccount(string email)
    {
        accounts.TryRemove(email, out _);
        foreach (var (token, owner) in tokens)
        {
            if (owner.Email == email)
            {
                tokens.TryRemove(token, out _);
            }
        }
    }

    /// <summary>Invalidates every access token issued so far, as a server-side revocation would.</summary>
    public void ExpireTokens() => tokens.Clear();

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
            && tokens.TryGetValue(header["Bearer ".Length..], out var issued)
            && issued.Expiry > Time.GetUtcNow()
            && (accounts.ContainsKey(issued.Email) || issued.Email == metadataAccount);
    }

    private async Task ServeTokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (form["grant_type"] != JwtBearerGrant)
        {
            await OAuthErrorAsync(context, "unsupported_grant_type", "Invalid grant_type").ConfigureAwait(false);
            return;
        }

        var problem = CheckAssertion(form["assertion"].ToString(), out var email);
        if (problem is not null)
        {
            LastGrantError = problem;
            await OAuthErrorAsync(context, "invalid_grant", problem).ConfigureAwait(false);
            return;
        }

        var token = "ya29.fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        tokens[token] = (email!, Time.GetUtcNow() + TokenLifetime);
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new JsonObject { ["access_token"] = token, ["expires_in"] = (int)TokenLifetime.TotalSeconds, ["token_type"] = "Bearer" };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    // Null when the assertion is a JWT signed (RS256) by a known account, for this endpoint, unexpired, asking for a scope.
    private string? CheckAssertion(string assertion, out string? email)
    {
        email = null;
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "Invalid JWT: not three segments";
        }

        JsonNode? header;
        JsonNode? claims;
        try
        {
            header = JsonNode.Parse(Base64UrlDecode(parts[0]));
            claims = JsonNode.Parse(Base64UrlDecode(parts[1]));
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "Invalid JWT: segments are not base64url JSON";
        }

        if (header?["alg"]?.GetValue<string>() != "RS256")
        {
            return "Invalid JWT: alg must be RS256";
        }

        email = claims?["iss"]?.GetValue<string>();
        if (email is null || !accounts.TryGetValue(email, out var publicKey))
        {
            return "Invalid grant: account not found";
        }

        using var rsa = RSA.Create(publicKey);
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!rsa.VerifyData(signed, Base64UrlDecode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "Invalid JWT Signature.";
        }

        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var exp = claims?["exp"]?.GetValue<long>() ?? 0;
        if (exp < now - 300)
        {
            return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe";
        }

        // Google.Apis.Auth sends Google's own token URL as audience even when token_uri points elsewhere, as Google accepts.
        var aud = claims?["aud"]?.GetValue<string>();
        if ((aud != TokenUri.ToString() && aud != GoogleTokenUrl) || string.IsNullOrEmpty(claims?["scope"]?.GetValue<string>()))
        {
            return "Invalid JWT: aud must be the token endpoint and a scope is required";
        }

        return null;
    }

    private static Task OAuthErrorAsync(HttpContext context, string error, string description)
    {
        context.Response.StatusCode = 400;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new JsonObject { ["error"] = error, ["error_description"] = description };
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static byte[] Base64UrlDecode(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
}
