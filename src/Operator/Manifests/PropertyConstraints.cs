using System.Reflection;
using k8s.Models;
using Operator.Entities.Schema;

namespace Operator.Manifests;

/// <summary>Turns the value constraints of one property (pattern, enum, default, lengths, ranges) into schema fields.</summary>
internal static class PropertyConstraints
{
    public static void Apply(PropertyInfo property, V1JSONSchemaProps schema, string where)
    {
        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            Expect(schema, "string", where, "[Pattern]");
            schema.Pattern = pattern.Pattern;
        }

        if (property.GetCustomAttribute<EnumValuesAttribute>() is { } enumValues)
        {
            Expect(schema, "string", where, "[EnumValues]");
            schema.EnumProperty = [.. enumValues.Values];
        }

        if (property.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            Expect(schema, "string", where, "[Length]");
            schema.MinLength = length.Min >= 0 ? length.Min : null;
            schema.MaxLength = length.Max >= 0 ? length.Max : null;
        }

        var items = property.GetCustomAttribute<ItemsAttribute>();
        if (items is not null && schema.Type == "object" && schema.AdditionalProperties is not null)
        {
            // On a map: how many entries it may have.
            schema.MinProperties = items.Min >= 0 ? items.Min : null;
            schema.MaxProperties = items.Max >= 0 ? items.Max : null;
        }
        else if (items is not null)
        {
            Expect(schema, "array", where, "[Items]");
            schema.MinItems = items.Min >= 0 ? items.Min : null;
            schema.MaxItems = items.Max >= 0 ? items.Max : null;
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            if (schema.Type is not ("integer" or "number"))
            {
                throw new NotSupportedException($"{where}: [Range] needs a number, not {schema.Type}.");
            }

            schema.Minimum = range.Minimum;
            schema.Maximum = range.Maximum;
        }

        if (property.GetCustomAttribute<DefaultAttribute>() is { } defaultValue)
        {
            var matches = (schema.Type, defaultValue.Value) switch
            {
                ("string", string) => true,
                ("boolean", bool) => true,
                ("integer", int or long) => true,
                ("number", int or long or double) => true,
                _ => false,
            };
            if (!matches)
            {
                throw new NotSupportedException($"{where}: [Default] value {defaultValue.Value} does not fit type {schema.Type}.");
            }

            schema.DefaultProperty = defaultValue.Value;
        }
    }

    private static void Expect(V1JSONSchemaProps schema, string type, string where, string attribute)
    {
        if (schema.Type != type)
        {
            throw new NotSupportedException($"{where}: {attribute} needs a {type}, not {schema.Type}.");
        }
    }
}
