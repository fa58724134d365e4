using Operator.Entities.V1Alpha1;
using Operator.References;

namespace Operator.RestApi;

/// <summary>
/// What a valid <c>PUT /v1/secret-groups/{id}</c> asks for: the complete key list in order (<see cref="Inputs"/>), the
/// keys it leaves out (<see cref="Removed"/>), and keys it names without a value that the group does not list
/// (<see cref="Readded"/>: allowed only when the group's own location still holds a value, a key retained earlier).
/// </summary>
public sealed record SecretsPlan(IReadOnlyList<SecretInput> Inputs, IReadOnlyList<SecretKeySpec> Removed, IReadOnlyList<int> Readded);
