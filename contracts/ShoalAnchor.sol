// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// @title Shoal ledger anchor
/// @notice Anchors the signed checkpoints of Shoal training ledgers (RFC 9162 Merkle logs)
///         and keeps cumulative reward balances of the participants.
/// @dev A run is identified by keccak256 of its UTF-8 name; a participant by keccak256 of
///      its UTF-8 name. Rewards are integers in micro-units (10^6 per reward unit).
///      Only the deployer may write; anyone may read.
contract ShoalAnchor {
    struct Checkpoint {
        uint64 treeSize;
        bytes32 root;
        uint64 anchoredAt;
    }

    address public immutable owner;

    mapping(bytes32 => Checkpoint[]) private checkpointsByRun;
    mapping(bytes32 => uint256) private balances;
    mapping(bytes32 => mapping(uint32 => bool)) private rewardedRounds;

    event CheckpointAnchored(
        bytes32 indexed runId, uint256 indexed index, uint64 treeSize, bytes32 root, uint64 anchoredAt);

    event RewardAdded(
        bytes32 indexed runId, uint32 indexed round, bytes32 indexed participant,
        string name, uint256 amount, uint256 balance);

    modifier onlyOwner() {
        require(msg.sender == owner, "ShoalAnchor: only the owner may write");
        _;
    }

    constructor() {
        owner = msg.sender;
    }

    /// @notice Appends a checkpoint to a run; its tree size must exceed the run's latest one.
    function anchor(bytes32 runId, uint64 treeSize, bytes32 root) external onlyOwner {
        Checkpoint[] storage list = checkpointsByRun[runId];
        uint64 latest = list.length == 0 ? 0 : list[list.length - 1].treeSize;
        require(treeSize > latest, "ShoalAnchor: tree size must be larger than the latest anchored size");
        uint64 anchoredAt = uint64(block.timestamp);
        list.push(Checkpoint(treeSize, root, anchoredAt));
        emit CheckpointAnchored(runId, list.length - 1, treeSize, root, anchoredAt);
    }

    /// @notice Adds one round's rewards to the participants' cumulative balances; once per round.
    function addRewards(bytes32 runId, uint32 round, string[] calldata names, uint256[] calldata amounts)
        external onlyOwner
    {
        require(names.length == amounts.length, "ShoalAnchor: names and amounts differ in length");
        require(names.length > 0, "ShoalAnchor: no rewards given");
        require(!rewardedRounds[runId][round], "ShoalAnchor: rewards for this round were already added");
        rewardedRounds[runId][round] = true;
        for (uint256 i = 0; i < names.length; i++) {
            require(bytes(names[i]).length > 0, "ShoalAnchor: participant name is empty");
            bytes32 participant = keccak256(bytes(names[i]));
            uint256 balance = balances[participant] + amounts[i];
            balances[participant] = balance;
            emit RewardAdded(runId, round, participant, names[i], amounts[i], balance);
        }
    }

    /// @notice Number of checkpoints anchored for a run.
    function checkpointCount(bytes32 runId) external view returns (uint256) {
        return checkpointsByRun[runId].length;
    }

    /// @notice Checkpoint number `index` (0-based, in anchoring order) of a run.
    function checkpointAt(bytes32 runId, uint256 index)
        external view returns (uint64 treeSize, bytes32 root, uint64 anchoredAt)
    {
        Checkpoint[] storage list = checkpointsByRun[runId];
        require(index < list.length, "ShoalAnchor: checkpoint index out of range");
        Checkpoint storage c = list[index];
        return (c.treeSize, c.root, c.anchoredAt);
    }

    /// @notice The latest checkpoint of a run, or all zeros when the run has none.
    function latestCheckpoint(bytes32 runId)
        external view returns (uint64 treeSize, bytes32 root, uint64 anchoredAt)
    {
        Checkpoint[] storage list = checkpointsByRun[runId];
        if (list.length == 0) {
            return (0, bytes32(0), 0);
        }
        Checkpoint storage c = list[list.length - 1];
        return (c.treeSize, c.root, c.anchoredAt);
    }

    /// @notice Whether a round's rewards of a run were added.
    function rewardsAdded(bytes32 runId, uint32 round) external view returns (bool) {
        return rewardedRounds[runId][round];
    }

    /// @notice Cumulative reward balance, in micro-units, of a participant named `name`.
    function balanceOf(string calldata name) external view returns (uint256) {
        return balances[keccak256(bytes(name))];
    }
}
