import { SearchOutlined } from '@ant-design/icons';
import { Input, Skeleton, Tree, type TreeDataNode } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SubCategory } from '../case-types.ts';
import { categoryGroups, filterGroups, findSubCategory, subCategoryName } from '../lib/category-tree.ts';
import { errorText } from '../lib/error-text.ts';
import { useCategories } from '../lib/reference-data.ts';
import { useLanguage } from '../lib/use-language.ts';

interface CategoryPickerProps {
  id?: string;
  value?: string;
  onChange?: (code: string) => void;
  /** Called with the full definition whenever the choice changes (attributes, conditions). */
  onPick?: (category: SubCategory) => void;
  'aria-invalid'?: boolean;
}

interface Node extends TreeDataNode {
  key: string;
  children?: Node[];
}

/** Search plus a tree of major classes and sub-categories: typing narrows the tree, Enter or a click chooses. */
export function CategoryPicker({ id, value, onChange, onPick, ...rest }: CategoryPickerProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const categories = useCategories();
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<string[]>([]);
  const groups = useMemo(() => categoryGroups(categories.data ?? [], lang), [categories.data, lang]);
  const shown = useMemo(() => filterGroups(groups, query), [groups, query]);
  const chosen = findSubCategory(categories.data ?? [], value);
  const treeId = `${id ?? 'category'}-tree`;

  const treeData: Node[] = shown.map((g) => ({
    key: g.code,
    title: (
      <span className="gl-category-group">
        {g.name} <span className="gl-category-family">{g.family}</span>
      </span>
    ),
    selectable: false,
    children: g.items.map((c) => ({
      key: c.code,
      isLeaf: true,
      title: (
        <span className="gl-category-item" data-testid="category-option" data-code={c.code}>
          {subCategoryName(c, lang)}
        </span>
      ),
    })),
  }));

  if (categories.isError) return <p className="gl-field-error">{errorText(t, categories.error)}</p>;
  if (!categories.data) return <Skeleton active paragraph={{ rows: 3 }} />;

  // While searching every match is open; otherwise the visitor opens groups, and the chosen one stays open.
  const expandedKeys = query.trim() ? shown.map((g) => g.code) : [...new Set([...expanded, ...(chosen ? [chosen.majorCode] : [])])];

  return (
    <div className="gl-category-picker">
      <Input
        id={id}
        type="search"
        allowClear
        prefix={<SearchOutlined aria-hidden="true" />}
        placeholder={t('categoryPicker.searchPlaceholder')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-controls={treeId}
        aria-invalid={rest['aria-invalid']}
        aria-describedby={`${treeId}-chosen`}
        data-testid="category-search"
      />
      <div className="gl-category-tree" id={treeId}>
        {treeData.length === 0 ? (
          <p className="gl-muted gl-category-empty">{t('categoryPicker.noMatch', { query: query.trim() })}</p>
        ) : (
          <Tree<Node>
            aria-label={t('categoryPicker.treeLabel')}
            treeData={treeData}
            virtual={false}
            blockNode
            expandAction="click"
            selectedKeys={value ? [value] : []}
            expandedKeys={expandedKeys}
            onExpand={(keys) => setExpanded(keys.map(String))}
            onSelect={(keys) => {
              const code = String(keys[0] ?? value ?? '');
              const c = findSubCategory(categories.data ?? [], code);
              if (!c) return;
              onChange?.(c.code);
              onPick?.(c);
            }}
          />
        )}
      </div>
      <div id={`${treeId}-chosen`} className="gl-category-chosen" aria-live="polite" data-testid="category-chosen">
        {chosen ? (
          <>
            <strong>{t('categoryPicker.chosen', { name: subCategoryName(chosen, lang) })}</strong>
            <span className="gl-muted">{t('categoryPicker.when', { text: chosen.registerCondition[lang] })}</span>
          </>
        ) : (
          <span className="gl-muted">{t('categoryPicker.none')}</span>
        )}
      </div>
    </div>
  );
}
