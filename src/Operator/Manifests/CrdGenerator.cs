using System.Globalization;
using System.Reflection;
using k8s.Models;
using Operator.Entities.Schema;
using Operator.Entities.V1Alpha1;
using Operator.Runtime;

namespace Operator.Manifests;

/// <summary>Generates the CustomResourceDefinitions from the entity classes, the one source of truth for the schema.</summary>
public static class CrdGenerator
{
    /// <summary>The <c>kubectl get tfy</c> category every resource of the operator belongs to.</summary>
    public const string Category = "tfy";

    /// <summary>The entity types that get a CRD, listed explicitly (no assembly scanning).</summary>
    public static IReadOnlyList<Type> EntityTypes { get; } = [typeof(SecretGroup), typeof(SecretStoreIntegration)];

    public static IReadOnlyList<V1CustomResourceDefinition> GenerateAll() => [.. EntityTypes.Select(Generate)];

    public static V1CustomResourceDefinition Generate(Type entityType)
    {
        ArgumentNullException.ThrowIfNull(entityType);
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{entityType.Name} has no [KubernetesEntity].", nameof(entityType));
        if (string.IsNullOrEmpty(entity.Group) || string.IsNullOrEmpty(entity.PluralName))
        {
            throw new ArgumentException($"{entityType.Name}: [KubernetesEntity] needs Group and PluralName.", nameof(entityType));
        }

        var version = new V1CustomResourceDefinitionVersion
        {
            Name = entity.ApiVersion,
            Served = true,
            Storage = true,
            Schema = new V1CustomResourceValidation { OpenAPIV3Schema = SchemaBuilder.ForEntity(entityType) },
            Subresources = entityType.IsDefined(typeof(StatusSubresourceAttribute))
                ? new V1CustomResourceSubresources { Status = new Dictionary<string, object>() }
                : null,
            AdditionalPrinterColumns = PrinterColumns(entityType),
        };

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta
            {
                Name = $"{entity.PluralName}.{entity.Group}",
                Annotations = new Dictionary<string, string> { [InstallLayout.ArgoSyncOptionsAnnotation] = InstallLayout.ArgoKeepCrd },
            },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = entityType.IsDefined(typeof(ClusterScopedAttribute)) ? "Cluster" : "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = entity.PluralName,
                    Singular = entity.Kind.ToLowerInvariant(),
                    ShortNames = entityType.GetCustomAttribute<ShortNamesAttribute>() is { } shortNames ? [.. shortNames.Names] : null,
                    Categories = [Category],
                },
                Versions = [version],
            },
        };
    }

    private static List<V1CustomResourceColumnDefinition>? PrinterColumns(Type entityType)
    {
        var columns = entityType.GetCustomAttributes<PrinterColumnAttribute>()
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                Type = c.Type,
                JsonPath = c.JsonPath,
                Description = c.Description,
                Priority = c.Priority == 0 ? null : c.Priority,
            })
            .ToList();
        var duplicate = columns.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new NotSupportedException(string.Create(CultureInfo.InvariantCulture, $"{entityType.Name}: printer column '{duplicate.Key}' is declared twice."));
        }

        return columns.Count > 0 ? columns : null;
    }
}
