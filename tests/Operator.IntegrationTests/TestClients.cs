using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Operator.IntegrationTests;

/// <summary>Small client-side helpers the integration tests share.</summary>
internal static class TestClients
{
    /// <summary>
    /// An HTTPS handler that trusts only the PEM CA in <paramref name="caBundle"/> (the webhook's caBundle, the API's
    /// ca.crt) and, unlike a browser, judges validity at <paramref name="now"/> (the operator's fake clock) when given.
    /// The host name must match the certificate either way.
    /// </summary>
    public static HttpClientHandler TrustingOnly(byte[] caBundle, Func<DateTimeOffset>? now = null) => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => Trusts(caBundle, now, certificate, errors),
    };

    /// <summary>
    /// As <see cref="TrustingOnly"/>, and requests with a body ask <c>Expect: 100-continue</c> first (as curl does for
    /// large uploads), waiting up to <paramref name="continueTimeout"/> for the server's decision before sending it.
    /// </summary>
    public static SocketsHttpHandler TrustingOnlyExpectingContinue(byte[] caBundle, Func<DateTimeOffset>? now, TimeSpan continueTimeout) => new()
    {
        Expect100ContinueTimeout = continueTimeout,
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusts(caBundle, now, certificate as X509Certificate2, errors) },
    };

    private static bool Trusts(byte[] caBundle, Func<DateTimeOffset>? now, X509Certificate2? certificate, System.Net.Security.SslPolicyErrors errors)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (now is not null)
        {
            chain.ChainPolicy.VerificationTime = now().UtcDateTime;
            chain.ChainPolicy.VerificationTimeIgnored = false;
        }

        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(caBundle)));
        return certificate is not null && (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build(certificate);
    }

    /// <summary>The Secret, or null when there is none.</summary>
    public static async Task<V1Secret?> GetSecretOrNullAsync(IKubernetes client, string ns, string name)
    {
        try
        {
            return await client.CoreV1.ReadNamespacedSecretAsync(name, ns);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the Secret, or replaces its data when it exists (as a store admin editing the source would).</summary>
    public static async Task UpsertSecretAsync(IKubernetes client, string ns, string name, IDictionary<string, byte[]> data)
    {
        try
        {
            var existing = await client.CoreV1.ReadNamespacedSecretAsync(name, ns);
            existing.Data = data;
            await client.CoreV1.ReplaceNamespacedSecretAsync(existing, name, ns);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns }, Data = data }, ns);
        }
    }
}
