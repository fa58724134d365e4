using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;

namespace Operator.Controllers;

/// <summary>A spec problem found while planning; <see cref="Reason"/> is the condition reason.</summary>
public sealed record PlanError(string Reason, string Message);
