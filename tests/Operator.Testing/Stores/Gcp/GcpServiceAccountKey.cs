using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Gcp;

/// <summary>A generated service account key: the JSON a user would download, and the public half the fake verifies with.</summary>
public sealed class GcpServiceAccountKey
{
    private GcpServiceAccountKey(string email, string keyId, string privateKeyPem, RSAParameters publicKey, string json)
    {
        Email = email;
        KeyId = keyId;
        PrivateKeyPem = privateKeyPem;
        PublicKey = publicKey;
        Json = json;
    }

    public string Email { get; }

    public string KeyId { get; }

    /// <summary>The PEM of the private key; its base64 body is a good canary.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>A line from the middle of the PEM body: must never appear in logs, status or Events.</summary>
    public string Canary => PrivateKeyPem.Split('\n')[5];

    public RSAParameters PublicKey { get; }

    /// <summary>The key file, with <c>token_uri</c> pointing at the fake's OAuth endpoint.</summary>
    public string Json { get; }

    /// <summary>Generates an RSA key for <paramref name="email"/> whose token_uri is <paramref name="tokenUri"/>.</summary>
    public static GcpServiceAccountKey Generate(string email, string projectId, Uri tokenUri)
    {
        ArgumentNullException.ThrowIfNull(tokenUri);
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem() + "\n";
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var json = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = projectId,
            ["private_key_id"] = keyId,
            ["private_key"] = pem,
            ["client_email"] = email,
            ["client_id"] = "1" + string.Concat(RandomNumberGenerator.GetBytes(10).Select(b => (b % 10).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri.ToString(),
            ["universe_domain"] = "googleapis.com",
        }.ToJsonString();
        return new GcpServiceAccountKey(email, keyId, pem, rsa.ExportParameters(includePrivateParameters: false), json);
    }
}
