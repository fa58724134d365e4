using Azure.Core.Pipeline;
using Azure.Identity;
using Operator.Stores.Azure;
using Operator.Testing.Stores.Azure;

namespace Operator.Testing.Shared;

/// <summary>
/// The Azure test seam, compiled into each test project that builds Azure stores (it needs both the operator's
/// hook type and the fake): trust the fake's certificate, accept its loopback host in the challenge, take tokens from it.
/// </summary>
internal static class AzureFakeHook
{
    public static AzureClientOptionsHook For(AzureKeyVaultFake fake) => new(
        client =>
        {
            client.DisableChallengeResourceVerification = true;
            client.Transport = Transport(fake);
        },
        credential =>
        {
            credential.AuthorityHost = fake.AuthorityHost;
            credential.Transport = Transport(fake);
            if (credential is ClientSecretCredentialOptions secret)
            {
                secret.DisableInstanceDiscovery = true;
            }
        });

    private static HttpClientTransport Transport(AzureKeyVaultFake fake) =>
        new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => fake.IsServerCertificate(certificate) });
}
