namespace Operator.Webhooks;

/// <summary>The Pod mutating webhook (<c>--webhook-enabled</c>, <c>--webhook-port</c>, ...).</summary>
public sealed class WebhookOptions
{
    /// <summary>Serve the webhook for Pods (tfy-secret:// env values and mount annotations).</summary>
    public bool Enabled { get; set; }

    /// <summary>HTTPS port of the webhook; 0 picks a free port (tests).</summary>
    public int Port { get; set; } = 9443;

    /// <summary>Service in front of the webhook; its DNS names go into the serving certificate.</summary>
    public string ServiceName { get; set; } = "secretgroup-operator-webhook";

    /// <summary>MutatingWebhookConfiguration whose caBundle the operator keeps current.</summary>
    public string ConfigName { get; set; } = "secretgroup-operator";

    /// <summary>Secret (in the operator's namespace) holding the webhook's CA and serving certificate.</summary>
    public string CertSecret { get; set; } = "secretgroup-operator-webhook-tls";

    /// <summary>cert-manager owns the certificate Secret and the caBundle: only read tls.crt/tls.key.</summary>
    public bool CertManager { get; set; }
}
