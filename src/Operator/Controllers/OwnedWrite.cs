namespace Operator.Controllers;

/// <summary>What <see cref="OwnedObjects.CreateOrUpdateAsync"/> did.</summary>
public enum OwnedWrite
{
    Unchanged,
    Created,
    Updated,
}
