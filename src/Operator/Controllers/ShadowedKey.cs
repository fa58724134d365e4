using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>A key name two sources yield: <see cref="Winner"/>'s value is synced, <see cref="Loser"/>'s is not.</summary>
public sealed record ShadowedKey(string Key, string Loser, string Winner);
