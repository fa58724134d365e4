using System.ComponentModel;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Runtime;

namespace Operator.Entities.V1Alpha1;

/// <summary>Values of <c>spec.deletionPolicy</c>; anything but <see cref="Delete"/> keeps values in the store.</summary>
public static class DeletionPolicies
{
    public const string Retain = "Retain";
    public const string Delete = "Delete";

    /// <summary>Whether removing a key from a group on <paramref name="integration"/> deletes its value from the store.</summary>
    public static bool DeletesValues(SecretStoreIntegration integration)
    {
        ArgumentNullException.ThrowIfNull(integration);
        return integration.Spec.DeletionPolicy == Delete;
    }
}
