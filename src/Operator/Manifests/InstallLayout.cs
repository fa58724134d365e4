using Operator.Webhooks;

namespace Operator.Manifests;

/// <summary>Names every install path uses for the kubectl install (config/, deploy/install.yaml); the chart derives its own from the release.</summary>
public static class InstallLayout
{
    public const string Name = "secretgroup-operator";
    public const string Namespace = "secretgroup-system";
    public const string Image = "ghcr.io/secretgroup/operator";
    public const string ServiceAccount = Name;
    /// <summary>The Role (and RoleBinding) of what the operator may do only in its own namespace; the ClusterRole has the same name.</summary>
    public const string NamespaceRole = Name;
    public const string ContainerName = "manager";

    /// <summary>Container port names; Services and probes refer to ports by these.</summary>
    public const string MetricsPortName = "metrics";
    public const string HealthPortName = "health";
    public const string WebhookPortName = "webhook";
    public const string ApiPortName = "api";

    /// <summary>The Service port the API server calls the webhook on (HTTPS).</summary>
    public const int WebhookServicePort = 443;

    /// <summary>The namespace label that keeps the Pod webhook away from a namespace (recovery, system namespaces).</summary>
    public const string WebhookOptOutLabel = "secrets.tfy.dev/webhook";
    public const string WebhookOptOutValue = "disabled";

    /// <summary>The one webhook entry in the MutatingWebhookConfiguration.</summary>
    public const string WebhookEntryName = "pods.secrets.tfy.dev";

    /// <summary>Where the Secret for <c>tfy-k8s-secret://</c> references is mounted (the flag's default).</summary>
    public static string CredentialsMountPath => new References.K8sSecretResolverOptions().MountPath;

    public static string WebhookPath => WebhookServer.MutatePodsPath;

    /// <summary>Argo CD keeps a CRD when it is removed from Git or its Application is deleted: deleting a CRD deletes every group and managed Secret.</summary>
    public const string ArgoSyncOptionsAnnotation = "argocd.argoproj.io/sync-options";
    public const string ArgoKeepCrd = "Prune=false,Delete=false";
}
