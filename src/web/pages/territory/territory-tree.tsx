import { Tree, type TreeDataNode } from 'antd';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/i18n.ts';
import { jurisdictionName } from '../../lib/names.ts';
import type { Level } from '../../types.ts';
import type { TreeModel } from './tree-model.ts';

interface JurisdictionNode extends TreeDataNode {
  key: string;
  name: string;
  level: Level;
  inScope: boolean;
  children?: JurisdictionNode[];
}

function toNodes(model: TreeModel, ids: readonly string[], lang: Language): JurisdictionNode[] {
  return ids.flatMap((id) => {
    const j = model.byId.get(id);
    if (!j) return [];
    const childIds = model.children.get(id);
    const node: JurisdictionNode = {
      key: id,
      title: jurisdictionName(j, lang),
      name: jurisdictionName(j, lang),
      level: j.level,
      inScope: j.inScope,
      isLeaf: !childIds,
    };
    if (childIds) node.children = toNodes(model, childIds, lang);
    return [node];
  });
}

interface TerritoryTreeProps {
  model: TreeModel;
  lang: Language;
  selectedId: string | null;
  expandedIds: readonly string[];
  labelledBy: string;
  onExpand: (ids: string[]) => void;
  onSelect: (id: string) => void;
}

export function TerritoryTree({
  model,
  lang,
  selectedId,
  expandedIds,
  labelledBy,
  onExpand,
  onSelect,
}: TerritoryTreeProps) {
  const { t } = useTranslation();
  const boxRef = useRef<HTMLDivElement>(null);
  const treeData = useMemo(() => toNodes(model, model.roots, lang), [model, lang]);

  // Keep the selected node in view, e.g. after a click on the map (it may have just been expanded).
  useEffect(() => {
    if (!selectedId) return;
    const handle = window.requestAnimationFrame(() => {
      const el = boxRef.current?.querySelector(`[data-id="${CSS.escape(selectedId)}"]`);
      el?.scrollIntoView({ block: 'nearest' });
    });
    return () => window.cancelAnimationFrame(handle);
  }, [selectedId]);

  // Not virtual: the element with role="tree" is then both the keyboard focus and the scroll container,
  // so the scrolling region is reachable by keyboard (a virtual list scrolls an inner, unfocusable element).
  return (
    <div ref={boxRef} className="gl-tree-scroll">
      <Tree<JurisdictionNode>
        className="gl-tree"
        aria-labelledby={labelledBy}
        data-testid="territory-tree"
        data-node-count={model.byId.size}
        treeData={treeData}
        virtual={false}
        blockNode
        showLine={{ showLeafIcon: false }}
        selectedKeys={selectedId ? [selectedId] : []}
        expandedKeys={[...expandedIds]}
        onExpand={(keys) => onExpand(keys.map(String))}
        onSelect={(keys, info) => {
          // Selecting the selected node again keeps it selected instead of clearing the details.
          onSelect(String(keys[0] ?? info.node.key));
        }}
        titleRender={(node) => (
          <span
            className={node.inScope ? 'gl-tree-title' : 'gl-tree-title gl-tree-title-ancestor'}
            data-testid="tree-node"
            data-id={node.key}
            data-level={node.level}
            data-in-scope={node.inScope ? 'true' : 'false'}
          >
            <span className="gl-tree-name" title={node.name}>
              {node.name}
            </span>
            <span className={`gl-level-tag gl-level-${node.level}`}>{t(`levels.${node.level}`)}</span>
          </span>
        )}
      />
    </div>
  );
}
