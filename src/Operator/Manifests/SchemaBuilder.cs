using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Serialization;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Manifests;

/// <summary>
/// Builds a structural OpenAPI v3 schema from an entity class by reflection. Properties keep declaration order;
/// an attribute on a property of the wrong type is a bug in the entity and throws rather than being ignored.
/// </summary>
internal sealed class SchemaBuilder
{
    private static readonly Dictionary<string, string> WellKnownDescriptions = new(StringComparer.Ordinal)
    {
        ["apiVersion"] = "APIVersion defines the versioned schema of this representation of an object.",
        ["kind"] = "Kind is a string value representing the REST resource this object represents.",
    };

    private readonly HashSet<Type> _inProgress = [];

    /// <summary>The schema of a top-level entity (apiVersion, kind, metadata, spec, status).</summary>
    public static V1JSONSchemaProps ForEntity(Type entityType)
    {
        var schema = new SchemaBuilder().ForObject(entityType);
        schema.Description = entityType.GetCustomAttribute<DescriptionAttribute>()?.Description;
        foreach (var (name, property) in schema.Properties)
        {
            property.Description ??= WellKnownDescriptions.GetValueOrDefault(name);
        }

        return schema;
    }

    private V1JSONSchemaProps ForObject(Type type)
    {
        if (!_inProgress.Add(type))
        {
            throw new NotSupportedException($"{type.Name} refers to itself; recursive types cannot be a structural schema.");
        }

        var properties = new OrderedDictionary<string, V1JSONSchemaProps>();
        var required = new List<string>();
        foreach (var property in JsonProperties(type))
        {
            var name = JsonName(property);
            properties.Add(name, ForProperty(property));
            if (property.IsDefined(typeof(RequiredAttribute)))
            {
                required.Add(name);
            }
        }

        _inProgress.Remove(type);
        var schema = new V1JSONSchemaProps
        {
            Type = "object",
            Properties = properties,
            Required = required.Count > 0 ? required : null,
        };
        ApplyExactlyOneOf(type, schema);
        AddCelRules(type.GetCustomAttributes<CelRuleAttribute>(), schema);
        return schema;
    }

    private V1JSONSchemaProps ForProperty(PropertyInfo property)
    {
        var schema = ForType(property.PropertyType);
        var where = $"{property.DeclaringType?.Name}.{property.Name}";
        if (property.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema.Description = description.Description;
        }

        PropertyConstraints.Apply(property, schema, where);

        if (property.GetCustomAttribute<ListMapKeyAttribute>() is { } listMapKey)
        {
            var items = schema.Items as V1JSONSchemaProps;
            if (schema.Type != "array" || items?.Type != "object")
            {
                throw new NotSupportedException($"{where}: [ListMapKey] needs a list of objects.");
            }

            if (items.Required?.Contains(listMapKey.Key) != true)
            {
                throw new NotSupportedException($"{where}: list map key '{listMapKey.Key}' must be a [Required] property of the items.");
            }

            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = [listMapKey.Key];
        }

        if (property.IsDefined(typeof(ListSetAttribute)))
        {
            if (schema.Type != "array" || (schema.Items as V1JSONSchemaProps)?.Type is "object" or "array")
            {
                throw new NotSupportedException($"{where}: [ListSet] needs a list of scalars.");
            }

            schema.XKubernetesListType = "set";
        }

        AddCelRules(property.GetCustomAttributes<CelRuleAttribute>(), schema);
        return schema;
    }

    private V1JSONSchemaProps ForType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new() { Type = "string" };
        }

        if (type == typeof(int))
        {
            return new() { Type = "integer", Format = "int32" };
        }

        if (type == typeof(long))
        {
            return new() { Type = "integer", Format = "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new() { Type = "number" };
        }

        if (type == typeof(bool))
        {
            return new() { Type = "boolean" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new() { Type = "string", Format = "date-time" };
        }

        if (type == typeof(V1ObjectMeta))
        {
            return new() { Type = "object" };
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            return new() { Type = "object", AdditionalProperties = ForType(valueType) };
        }

        if (ListItemType(type) is { } itemType)
        {
            return itemType == typeof(V1Condition)
                ? ConditionSchema.List()
                : new() { Type = "array", Items = ForType(itemType) };
        }

        if (type.IsClass && type.Namespace?.StartsWith("Operator.", StringComparison.Ordinal) == true)
        {
            return ForObject(type);
        }

        throw new NotSupportedException($"No OpenAPI mapping for {type.FullName}; add one to {nameof(SchemaBuilder)}.");
    }

    private static void ApplyExactlyOneOf(Type type, V1JSONSchemaProps schema)
    {
        if (type.GetCustomAttribute<ExactlyOneOfAttribute>() is not { } exactlyOneOf)
        {
            return;
        }

        var names = exactlyOneOf.Properties;
        var missing = names.Where(n => !schema.Properties.ContainsKey(n)).ToList();
        if (names.Count < 2 || missing.Count > 0)
        {
            throw new NotSupportedException($"{type.Name}: [ExactlyOneOf] needs two or more of its JSON properties (unknown: {string.Join(", ", missing)}).");
        }

        schema.OneOf = [.. names.Select(n => new V1JSONSchemaProps { Required = [n] })];
        schema.XKubernetesValidations ??= [];
        schema.XKubernetesValidations.Add(new V1ValidationRule
        {
            Rule = $"[{string.Join(", ", names.Select(n => $"has(self.{n})"))}].filter(x, x).size() == 1",
            Message = $"exactly one of {string.Join(", ", names)} must be set",
        });
    }

    private static void AddCelRules(IEnumerable<CelRuleAttribute> rules, V1JSONSchemaProps schema)
    {
        foreach (var rule in rules)
        {
            schema.XKubernetesValidations ??= [];
            schema.XKubernetesValidations.Add(new V1ValidationRule { Rule = rule.Rule, Message = rule.Message });
        }
    }

    // MetadataToken order is declaration order, which reflection does not otherwise promise.
    private static IEnumerable<PropertyInfo> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && !p.IsDefined(typeof(JsonIgnoreAttribute)))
            .OrderBy(p => p.MetadataToken);

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? throw new NotSupportedException($"{property.DeclaringType?.Name}.{property.Name} has no [JsonPropertyName].");

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = GenericInterface(type, typeof(IDictionary<,>)) ?? GenericInterface(type, typeof(IReadOnlyDictionary<,>));
        if (dictionary is null)
        {
            return null;
        }

        var arguments = dictionary.GetGenericArguments();
        return arguments[0] == typeof(string)
            ? arguments[1]
            : throw new NotSupportedException($"Map keys must be strings, not {arguments[0].Name}.");
    }

    private static Type? ListItemType(Type type) =>
        type.IsArray ? type.GetElementType() : GenericInterface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? GenericInterface(Type type, Type openGeneric) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == openGeneric
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == openGeneric);
}
