using System.Text.Json;
using System.Text.Json.Serialization;

namespace Operator.RestApi;

/// <summary>
/// JSON settings of the API: camelCase, case-insensitive reading, every request and response type from
/// <see cref="ApiJsonContext"/> (source-generated, so a Native AOT build needs no reflection for them: reflection over
/// records with a parameterized constructor needs generic converters over value types that AOT never compiled). A body
/// type missing from the context fails in every build, tests included.
/// </summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = ApiJsonContext.Default,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}

/// <summary>The API's request and response types (the route table's, and the error body).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ManifestRequest))]
[JsonSerializable(typeof(SetSecretsRequest))]
[JsonSerializable(typeof(GroupView))]
[JsonSerializable(typeof(GroupPage))]
[JsonSerializable(typeof(SecretView))]
[JsonSerializable(typeof(SecretPage))]
[JsonSerializable(typeof(SecretVersionView))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
