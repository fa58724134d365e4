using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.References;
using Operator.Runtime;
using Operator.Tls;

namespace Operator.Webhooks;

/// <summary>
/// Keeps the webhook's serving certificate (see <see cref="ServingCertificates"/>: the operator's own CA, or
/// cert-manager's with <c>--webhook-cert-manager</c>) and publishes the CA as the MutatingWebhookConfiguration's caBundle.
/// </summary>
[Rbac("", "secrets", "get", "The serving certificate is read from --webhook-cert-secret (written by cert-manager or by the operator).", Scope = RbacScope.OperatorNamespace, Feature = "webhook")]
[Rbac("", "secrets", "create,update", "Without cert-manager the operator issues its CA and serving certificate into --webhook-cert-secret.", Scope = RbacScope.OperatorNamespace, Feature = "webhook-certificates")]
[Rbac("admissionregistration.k8s.io", "mutatingwebhookconfigurations", "get,update", "Without cert-manager the operator publishes its CA as the caBundle of its own webhook configuration.", Scope = RbacScope.Cluster, Feature = "webhook-certificates", ResourceNameFlag = "webhook-config-name")]
public sealed partial class WebhookCertificates(IKubernetes client, IOptions<WebhookOptions> options, IOptions<TenancyOptions> tenancy, TimeProvider time, ILogger<WebhookCertificates> logger)
{
    private readonly ServingCertificates serving = new(
        client,
        new ServingCertificateSettings("webhook", tenancy.Value.Namespace, options.Value.ServiceName, options.Value.CertSecret, options.Value.CertManager),
        time,
        logger);

    /// <summary>The certificate Kestrel presents; null until the first successful <see cref="EnsureAsync"/>.</summary>
    public X509Certificate2? Current => serving.Current;

    /// <summary>DNS names of the webhook Service; the first is the certificate's CN and what the API server calls.</summary>
    public IReadOnlyList<string> DnsNames => serving.DnsNames;

    /// <summary>One pass: load, issue or renew the certificate and publish the caBundle. False when it must be retried soon.</summary>
    public async Task<bool> EnsureAsync(CancellationToken cancellationToken)
    {
        var state = await serving.EnsureAsync(cancellationToken).ConfigureAwait(false);
        return state.Ready && (state.CaBundle is null || await PublishCaBundleAsync(state.CaBundle, cancellationToken).ConfigureAwait(false));
    }

    private async Task<bool> PublishCaBundleAsync(string bundle, CancellationToken cancellationToken)
    {
        var name = options.Value.ConfigName;
        V1MutatingWebhookConfiguration config;
        try
        {
            config = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            LogNoWebhookConfiguration(logger, name);
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(bundle);
        var stale = config.Webhooks?.Where(w => w.ClientConfig is not null && !(w.ClientConfig.CaBundle ?? []).SequenceEqual(bytes)).ToList() ?? [];
        if (stale.Count == 0)
        {
            return true;
        }

        foreach (var webhook in stale)
        {
            webhook.ClientConfig.CaBundle = bytes;
        }

        try
        {
            await client.AdmissionregistrationV1.ReplaceMutatingWebhookConfigurationAsync(config, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            LogCaBundlePublished(logger, name, stale.Count);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MutatingWebhookConfiguration {Name} not found; apply config/webhook so the API server calls the webhook")]
    private static partial void LogNoWebhookConfiguration(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "caBundle of MutatingWebhookConfiguration {Name} updated in {Webhooks} webhooks")]
    private static partial void LogCaBundlePublished(ILogger logger, string name, int webhooks);
}
