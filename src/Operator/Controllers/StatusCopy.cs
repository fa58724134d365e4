using k8s;
using Operator.Entities.V1Alpha1;

namespace Operator.Controllers;

/// <summary>
/// Status changes are made on copies: the object a reconciler gets is the informer cache's, and watch predicates compare
/// the cache's old object with the new one, so an edit in place would hide the change from them.
/// </summary>
public static class StatusCopy
{
    /// <summary>A deep copy of <paramref name="status"/> (null stays null).</summary>
    public static T? Of<T>(T? status)
        where T : class => status is null ? null : KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(status));

    /// <summary>The group with <paramref name="status"/>, sharing the cached metadata and spec (which a status write does not change).</summary>
    public static SecretGroup With(SecretGroup group, SecretGroupStatus status)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new SecretGroup { ApiVersion = group.ApiVersion, Kind = group.Kind, Metadata = group.Metadata, Spec = group.Spec, Status = status };
    }

    /// <summary>The integration with <paramref name="status"/>, sharing the cached metadata and spec.</summary>
    public static SecretStoreIntegration With(SecretStoreIntegration integration, SecretStoreIntegrationStatus status)
    {
        ArgumentNullException.ThrowIfNull(integration);
        return new SecretStoreIntegration { ApiVersion = integration.ApiVersion, Kind = integration.Kind, Metadata = integration.Metadata, Spec = integration.Spec, Status = status };
    }
}
