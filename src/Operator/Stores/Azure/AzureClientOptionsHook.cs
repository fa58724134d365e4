using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Operator.Stores.Azure;

/// <summary>
/// Adjusts the Azure SDK options after the operator has set them. Production registers none; tests register one to
/// trust their loopback fake's certificate and point the credential at its token endpoint. No spec field can do this.
/// </summary>
public sealed class AzureClientOptionsHook(Action<SecretClientOptions>? configureClient = null, Action<TokenCredentialOptions>? configureCredential = null)
{
    internal void Configure(SecretClientOptions options) => configureClient?.Invoke(options);

    internal T Configure<T>(T options)
        where T : TokenCredentialOptions
    {
        configureCredential?.Invoke(options);
        return options;
    }
}
